package io.aralez.dataplane.proxy;

/** Where a client connection (or HTTP/2 stream) is in its current request. */
enum ClientState {
  /** Waiting for a request head. */
  IDLE,
  /** An exchange is getting its upstream connection (or a callout its answer); body is held. */
  CONNECTING,
  /** The head went upstream; the body is streaming. */
  STREAMING,
  /** The whole request went upstream; waiting for the response. */
  AWAIT_RESPONSE,
  /** Answered locally; the rest of the request body is read and dropped. */
  DISCARDING,
  /** Nothing more is read or answered. */
  CLOSED
}
