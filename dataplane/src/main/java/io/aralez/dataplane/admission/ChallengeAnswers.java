package io.aralez.dataplane.admission;

/** The HTTP-01 answers this proxy serves: the key authorization for a token, or null. */
@FunctionalInterface
public interface ChallengeAnswers {
  ChallengeAnswers NONE = token -> null;

  String answer(String token);
}
