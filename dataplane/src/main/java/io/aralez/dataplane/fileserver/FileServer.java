package io.aralez.dataplane.fileserver;

import io.aralez.dataplane.net.Transport;
import io.aralez.dataplane.server.SmallServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
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

  private final SmallServer server;

  private FileServer(SmallServer server) {
    this.server = server;
  }

  public static FileServer start(
      Transport transport, InetSocketAddress address, Path folder, boolean takeOver)
      throws IOException, InterruptedException {
    Path root = folder.toRealPath();
    // Its own loop: file system calls block, and must never hold up proxied traffic.
    SmallServer server =
        SmallServer.start(
            transport,
            "aralez-files",
            address,
            takeOver,
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
    LOG.info("file server on {} serving {}", server.address(), root);
    return new FileServer(server);
  }

  public InetSocketAddress address() {
    return server.address();
  }

  public void stop() {
    server.stop();
  }
}
