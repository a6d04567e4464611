package io.aralez.acme;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the ACME account lives between runs: a file out of the cluster, a Secret in it. The account
 * key is the one thing that must survive a restart (a new key is a new account, and rate limits
 * count per account).
 */
public interface AccountStore {
  Optional<StoredAccount> load() throws IOException;

  void save(StoredAccount account) throws IOException;
}
