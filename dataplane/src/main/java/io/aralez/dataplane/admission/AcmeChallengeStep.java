package io.aralez.dataplane.admission;

import io.aralez.dataplane.request.RequestHead;
import io.aralez.dataplane.request.RequestTarget;
import io.aralez.dataplane.runtime.ActiveConfig;
import java.util.Map;

/**
 * ACME HTTP-01 on the plain listener, for any host, before routing and before {@code to_https}: the
 * CA fetches {@code http://<name>/.well-known/acme-challenge/<token>} and must get the key
 * authorization whatever the routes say. Answers come from this process's own orders and from the
 * controller's snapshot (in a cluster the leader orders and every proxy answers).
 */
final class AcmeChallengeStep {
  static final String PREFIX = "/.well-known/acme-challenge/";

  private final boolean secure;
  private final ChallengeAnswers local;

  AcmeChallengeStep(boolean secure, ChallengeAnswers local) {
    this.secure = secure;
    this.local = local;
  }

  /** The answer, or null when this is not a challenge request this proxy knows. */
  Verdict.Local check(ActiveConfig config, RequestHead head, RequestTarget target) {
    String path = target.rawPath();
    if (secure || !path.startsWith(PREFIX) || !isGetOrHead(head.method())) {
      return null;
    }
    String token = path.substring(PREFIX.length());
    if (!isToken(token)) {
      return null;
    }
    String answer = config.config().acmeChallenges().get(token);
    if (answer == null) {
      answer = local.answer(token);
    }
    return answer == null
        ? null
        : new Verdict.Local(200, Map.of("content-type", "text/plain"), answer);
  }

  private static boolean isGetOrHead(String method) {
    return method.equals("GET") || method.equals("HEAD");
  }

  /** RFC 8555 §8.3: the token is base64url; anything else is not ours to answer. */
  static boolean isToken(String s) {
    if (s.isEmpty() || s.length() > 256) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'A' && c <= 'Z'
          || c >= 'a' && c <= 'z'
          || c >= '0' && c <= '9'
          || c == '-'
          || c == '_')) {
        return false;
      }
    }
    return true;
  }
}
