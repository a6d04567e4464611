package io.aralez.dataplane.fileserver;

import io.aralez.dataplane.proxy.LocalResponses;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Serves files below one folder: GET and HEAD, index.html for folders, no listings, ETag and
 * Last-Modified validators, single byte ranges, zero-copy transfer. Runs on the file server's own
 * event loop, so a slow disk never stalls the proxy.
 */
final class StaticFileHandler extends SimpleChannelInboundHandler<HttpObject> {
  private final Path root;

  StaticFileHandler(Path realRoot) {
    this.root = realRoot;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) throws IOException {
    if (!(msg instanceof HttpRequest req)) {
      return;
    }
    if (req.decoderResult().isFailure()) {
      send(ctx, req, LocalResponses.status(ctx.alloc(), HttpResponseStatus.BAD_REQUEST), false);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpMethod method = req.method();
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
      FullHttpResponse res =
          LocalResponses.status(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED);
      res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      send(ctx, req, res, keepAlive);
      return;
    }
    String uri = req.uri();
    int q = uri.indexOf('?');
    String rawPath = q < 0 ? uri : uri.substring(0, q);
    FilePaths.Resolved resolved = FilePaths.resolve(root, rawPath);
    if (resolved.status() != null) {
      send(ctx, req, LocalResponses.status(ctx.alloc(), resolved.status()), keepAlive);
      return;
    }
    Path file = resolved.file();
    if (resolved.redirectToSlash()) {
      FullHttpResponse res =
          LocalResponses.redirect(ctx.alloc(), rawPath + "/" + (q < 0 ? "" : uri.substring(q)));
      send(ctx, req, res, keepAlive);
      return;
    }
    serveFile(ctx, req, file, keepAlive);
  }

  private void serveFile(ChannelHandlerContext ctx, HttpRequest req, Path file, boolean keepAlive)
      throws IOException {
    FileChannel channel;
    BasicFileAttributes attrs;
    try {
      // NOFOLLOW_LINKS: the path was checked through toRealPath(); a link swapped in since then
      // must not be followed.
      channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      send(ctx, req, LocalResponses.status(ctx.alloc(), HttpResponseStatus.NOT_FOUND), keepAlive);
      return;
    } catch (IOException e) {
      send(ctx, req, LocalResponses.status(ctx.alloc(), HttpResponseStatus.NOT_FOUND), keepAlive);
      return;
    }
    if (!attrs.isRegularFile()) {
      channel.close();
      send(ctx, req, LocalResponses.status(ctx.alloc(), HttpResponseStatus.NOT_FOUND), keepAlive);
      return;
    }
    long size = attrs.size();
    long mtimeSeconds = attrs.lastModifiedTime().toInstant().getEpochSecond();
    String etag =
        "\""
            + Long.toHexString(size)
            + "-"
            + Long.toHexString(attrs.lastModifiedTime().toMillis())
            + "\"";
    // IMF-fixdate (RFC 9110 §5.6.7): a two-digit day, which RFC_1123_DATE_TIME does not give.
    String lastModified =
        io.netty.handler.codec.DateFormatter.format(new java.util.Date(mtimeSeconds * 1000));

    HttpHeaders rh = req.headers();
    if (notModified(rh, etag, mtimeSeconds)) {
      channel.close();
      HttpResponse res =
          new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
      res.headers()
          .set(HttpHeaderNames.ETAG, etag)
          .set(HttpHeaderNames.LAST_MODIFIED, lastModified);
      finish(ctx, req, res, null, keepAlive);
      return;
    }

    ByteRange range = null;
    String ifRange = rh.get(HttpHeaderNames.IF_RANGE);
    if (req.method().equals(HttpMethod.GET)
        && (ifRange == null
            || ifRange.trim().equals(etag)
            || ifRange.trim().equals(lastModified))) {
      range = ByteRange.parse(rh.get(HttpHeaderNames.RANGE), size);
    }
    if (range == ByteRange.UNSATISFIABLE) {
      channel.close();
      FullHttpResponse res =
          LocalResponses.status(ctx.alloc(), HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
      res.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
      send(ctx, req, res, keepAlive);
      return;
    }
    HttpResponse res =
        new DefaultHttpResponse(
            HttpVersion.HTTP_1_1,
            range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT);
    long start = range == null ? 0 : range.start();
    long length = range == null ? size : range.length();
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, MimeTypes.of(file.getFileName().toString()))
        .set(HttpHeaderNames.CONTENT_LENGTH, length)
        .set(HttpHeaderNames.ETAG, etag)
        .set(HttpHeaderNames.LAST_MODIFIED, lastModified)
        .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
        .set("X-Content-Type-Options", "nosniff");
    if (range != null) {
      res.headers()
          .set(
              HttpHeaderNames.CONTENT_RANGE,
              "bytes " + range.start() + "-" + range.end() + "/" + size);
    }
    if (req.method().equals(HttpMethod.HEAD) || length == 0) {
      channel.close();
      finish(ctx, req, res, null, keepAlive);
      return;
    }
    finish(ctx, req, res, new DefaultFileRegion(channel, start, length), keepAlive);
  }

  private static boolean notModified(HttpHeaders h, String etag, long mtimeSeconds) {
    String inm = h.get(HttpHeaderNames.IF_NONE_MATCH);
    if (inm != null) {
      for (String tag : inm.split(",")) {
        String t = tag.trim();
        if (t.startsWith("W/")) {
          t = t.substring(2);
        }
        if (t.equals("*") || t.equals(etag)) {
          return true;
        }
      }
      return false;
    }
    String ims = h.get(HttpHeaderNames.IF_MODIFIED_SINCE);
    if (ims != null) {
      try {
        long since =
            ZonedDateTime.parse(ims.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        return mtimeSeconds <= since;
      } catch (DateTimeParseException e) {
        return false;
      }
    }
    return false;
  }

  private static void finish(
      ChannelHandlerContext ctx,
      HttpRequest req,
      HttpResponse res,
      DefaultFileRegion body,
      boolean keepAlive) {
    res.headers().set(HttpHeaderNames.SERVER, "aralez");
    if (!keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    ctx.write(res);
    if (body != null) {
      ctx.write(body);
    }
    ChannelFuture f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static void send(
      ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res, boolean keepAlive) {
    if (!keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    ChannelFuture f = ctx.writeAndFlush(res);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
