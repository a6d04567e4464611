package io.aralez.dataplane.admission;

/**
 * The request body limit, as far as the head tells: a declared Content-Length above it is answered
 * 413 before any upstream is involved. A chunked body is counted while it streams (the exchange
 * reads {@link Verdict.Edits#maxBodyBytes}); nothing is buffered to check it.
 */
final class BodyLimitStep implements AdmissionStep {
  private final Rejections rejections;

  BodyLimitStep(Rejections rejections) {
    this.rejections = rejections;
  }

  @Override
  public Verdict.Local check(Admitting r) {
    long max = r.route().rules().maxBodyBytes();
    if (max < 0) {
      return null;
    }
    String length = r.head.header("content-length");
    if (length == null) {
      return null;
    }
    long declared;
    try {
      declared = Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      // The codec already refused a malformed length; a huge one is over any limit.
      declared = Long.MAX_VALUE;
    }
    if (declared <= max) {
      return null;
    }
    rejections.rejected("body_size");
    return Verdict.Local.of(413);
  }
}
