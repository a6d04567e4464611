package io.aralez.dataplane.proxy;

import io.aralez.dataplane.request.RequestHead;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * A request head decoded by Netty's codec (HTTP/1.x, or HTTP/2 converted), seen as a {@link
 * RequestHead}.
 */
public record NettyRequestHead(
    HttpRequest request, io.aralez.dataplane.request.PeerCertificates clientCertificates)
    implements RequestHead {
  public NettyRequestHead(HttpRequest request) {
    this(request, io.aralez.dataplane.request.PeerCertificates.NONE);
  }

  @Override
  public String method() {
    return request.method().name();
  }

  @Override
  public String uri() {
    return request.uri();
  }

  @Override
  public boolean http11() {
    return request.protocolVersion().equals(HttpVersion.HTTP_1_1);
  }

  @Override
  public String header(String name) {
    return request.headers().get(name);
  }

  @Override
  public List<String> headers(String name) {
    return request.headers().getAll(name);
  }
}
