package io.aralez.dataplane.fileserver;

import io.aralez.dataplane.server.Ports;
import io.aralez.dataplane.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The built-in static file server ({@code file_server_folder} on {@code file_server_address}). */
public final class FileServer {
  private static final Logger LOG = LoggerFactory.getLogger(FileServer.class);
  private static final int IDLE_SECONDS = 60;

  private final EventLoopGroup group;
  private final Channel listener;

  private FileServer(EventLoopGroup group, Channel listener) {
    this.group = group;
    this.listener = listener;
  }

  public static FileServer start(
      Transport transport, InetSocketAddress address, Path folder, boolean takeOver)
      throws IOException, InterruptedException {
    Path root = folder.toRealPath();
    // Its own loop: file system calls block, and must never hold up proxied traffic.
    EventLoopGroup group = transport.newGroup(1, "aralez-files");
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel c) {
                    c.pipeline()
                        .addLast(
                            new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS) {
                              @Override
                              protected void channelIdle(
                                  io.netty.channel.ChannelHandlerContext ctx,
                                  io.netty.handler.timeout.IdleStateEvent evt) {
                                ctx.close();
                              }
                            })
                        .addLast(new HttpServerCodec())
                        .addLast(new StaticFileHandler(root));
                  }
                });
    Channel ch;
    try {
      ch = Ports.bind(b, transport, address, takeOver);
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    LOG.info("file server on {} serving {}", ch.localAddress(), root);
    return new FileServer(group, ch);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  public void stop() {
    listener.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
