package io.aralez.dataplane.acme;

import io.aralez.acme.AccountStore;
import io.aralez.acme.StoredAccount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The account in {@code autoconfigs/acme_credentials.json}, as the original keeps it. */
final class FileAccountStore implements AccountStore {
  private final Path file;

  FileAccountStore(Path stateDir) {
    this.file = stateDir.resolve("acme_credentials.json");
  }

  @Override
  public Optional<StoredAccount> load() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(StoredAccount.fromJson(Files.readString(file)));
    } catch (IllegalArgumentException e) {
      // Never replace it silently: a new account would lose the old one's history and limits.
      throw new IOException(file + " is not an ACME account file: " + e.getMessage());
    }
  }

  @Override
  public void save(StoredAccount account) throws IOException {
    StateFiles.write(file, account.toJson(), true);
  }
}
