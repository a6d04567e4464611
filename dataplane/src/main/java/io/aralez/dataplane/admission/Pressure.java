package io.aralez.dataplane.admission;

/**
 * Whether the process is short of a resource new requests would need (direct memory for their
 * buffers). Read once per request, so it must be cheap: a counter compared with a bound.
 */
@FunctionalInterface
public interface Pressure {
  Pressure NONE = () -> false;

  boolean high();
}
