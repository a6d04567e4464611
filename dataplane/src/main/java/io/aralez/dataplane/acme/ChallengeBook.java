package io.aralez.dataplane.acme;

import io.aralez.acme.Challenges;
import io.aralez.dataplane.admission.ChallengeAnswers;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP-01 answers of this process's own orders: written by the ordering thread, read by every
 * event loop. Publishing is immediate (the proxy reads the map on each request), so the CA may be
 * told to look as soon as {@link #publish} returns.
 */
public final class ChallengeBook implements Challenges, ChallengeAnswers {
  /** More pending tokens than this is a bug or an attack on the admin API; refuse. */
  private static final int MAX_TOKENS = 1000;

  private final Map<String, String> answers = new ConcurrentHashMap<>();

  @Override
  public void publish(String token, String keyAuthorization) throws java.io.IOException {
    if (answers.size() >= MAX_TOKENS) {
      throw new java.io.IOException("too many pending ACME challenges (" + MAX_TOKENS + ")");
    }
    answers.put(token, keyAuthorization);
  }

  @Override
  public void withdraw(String token) {
    answers.remove(token);
  }

  @Override
  public String answer(String token) {
    return answers.get(token);
  }

  public int pending() {
    return answers.size();
  }
}
