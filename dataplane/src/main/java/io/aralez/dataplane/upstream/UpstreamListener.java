package io.aralez.dataplane.upstream;

/** What an upstream connection reports to the exchange currently using it. */
public interface UpstreamListener {
  void onUpstreamMessage(Object msg);

  void onUpstreamReadComplete();

  void onUpstreamWritable();

  /** The connection closed or failed; {@code cause} is null for a plain close. */
  void onUpstreamClosed(Throwable cause);
}
