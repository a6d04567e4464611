package io.aralez.dataplane.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * The request half of an exchange: the body as it arrives from the client, held while no upstream
 * connection is attached (the client is not read meanwhile, so this is at most what one read
 * brought), then written straight through. Trailers never go upstream.
 */
final class RequestRelay {
  // Made at the first content held: on a pooled connection the upstream is attached before the
  // client's first content is read, so most requests never hold any.
  private ArrayDeque<HttpContent> held;
  private Channel upstream;
  private boolean complete;
  private boolean bodySent;
  private boolean discarding;
  // The head went as a whole message with its (empty) end: the client's end is not written again.
  private boolean endSent;
  private MirrorCall mirror;

  /** The body also goes, as it passes, to this copy of the request (null: none). */
  void mirrorTo(MirrorCall mirror) {
    this.mirror = mirror;
  }

  /**
   * Writes the head and whatever body was held; from now on content goes straight through.
   *
   * @param bodyless the head says the request has no body: it goes as one message with its end (one
   *     pipeline pass and no empty buffer queued on the connection for the end), and the client's
   *     empty end, when it comes, is not written again
   */
  void attach(Channel ch, Object head, boolean bodyless) {
    upstream = ch;
    if (bodyless && head instanceof HttpRequest req && !(head instanceof FullHttpRequest)) {
      endSent = true;
      HttpContent c;
      while ((c = poll()) != null) {
        complete |= c instanceof LastHttpContent;
        c.release();
      }
      ch.write(
          new DefaultFullHttpRequest(
              req.protocolVersion(),
              req.method(),
              req.uri(),
              Unpooled.EMPTY_BUFFER,
              req.headers(),
              EmptyHttpHeaders.INSTANCE),
          ch.voidPromise());
      ch.flush();
      return;
    }
    // A retry: the body (empty, or there would be no retry) went to the previous connection, and
    // this one still needs the message's end (the last chunk, or END_STREAM on HTTP/2).
    boolean resendEnd = complete && (held == null || held.isEmpty());
    ch.write(head, ch.voidPromise());
    if (resendEnd) {
      ch.write(LastHttpContent.EMPTY_LAST_CONTENT, ch.voidPromise());
    }
    HttpContent c;
    while ((c = poll()) != null) {
      write(c);
    }
    ch.flush();
  }

  /** Another connection will be attached (a retry): nothing of the body went out on this one. */
  void detach() {
    upstream = null;
  }

  /** The request will not go anywhere now: the rest of its body is read and dropped. */
  void discard() {
    detach();
    release();
    discarding = true;
  }

  /**
   * @return true when this content completed the request on an attached connection
   */
  boolean content(HttpContent content) {
    if (complete) {
      content.release();
      return false;
    }
    if (mirror != null) {
      mirror.content(content);
    }
    if (discarding) {
      content.release();
      complete = content instanceof LastHttpContent;
      return false;
    }
    if (endSent) {
      // A bodyless request's end, already written with its head (the decoder gives such a
      // request nothing but an empty end).
      content.release();
      complete = content instanceof LastHttpContent;
      return complete && upstream != null;
    }
    if (upstream == null) {
      if (held == null) {
        held = new ArrayDeque<>(2);
      }
      held.add(content);
      complete = content instanceof LastHttpContent;
      return false;
    }
    write(content);
    if (complete) {
      upstream.flush();
    }
    return complete;
  }

  private void write(HttpContent content) {
    if (content.content().isReadable()) {
      bodySent = true;
    }
    if (content instanceof LastHttpContent last) {
      complete = true;
      if (!last.trailingHeaders().isEmpty()) {
        // Never let a client smuggle framing or auth headers through trailers.
        HttpContent plain = new DefaultLastHttpContent(last.content().retain());
        last.release();
        content = plain;
      }
    }
    // Void promise: nobody waits on the write, and a failure reaches exceptionCaught.
    upstream.write(content, upstream.voidPromise());
  }

  /** The whole request, body included, was received from the client. */
  boolean complete() {
    return complete;
  }

  /** The whole request arrived and none of its body went out: it can be sent again. */
  boolean replayable() {
    return complete && !bodySent;
  }

  /** Some body byte went upstream: the request cannot be retried on another connection. */
  boolean bodySent() {
    return bodySent;
  }

  /** The upstream is attached and can take more body now. */
  boolean upstreamWritable() {
    return upstream != null && upstream.isWritable();
  }

  /** Bytes the upstream must take before it is writable again, or -1 when it is writable. */
  long upstreamPending() {
    return upstream == null || upstream.isWritable() ? -1 : upstream.bytesBeforeWritable();
  }

  /** Waiting on the client's body while the upstream could take it (the body-stall case). */
  boolean waitingOnClient() {
    return !complete && upstreamWritable();
  }

  void flush() {
    if (upstream != null) {
      upstream.flush();
    }
  }

  void release() {
    if (mirror != null) {
      mirror.abandon();
    }
    HttpContent c;
    while ((c = poll()) != null) {
      c.release();
    }
  }

  private HttpContent poll() {
    return held == null ? null : held.poll();
  }
}
