package io.aralez.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.util.Base64;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("catalogue-2.12")
class StoredAccountTest {
  @Test
  void roundTripsThroughJson() {
    KeyPair key = Keys.ecP256();
    StoredAccount a = new StoredAccount("https://ca/acct/1", key, "acme://letsencrypt.org");
    StoredAccount back = StoredAccount.fromJson(a.toJson());
    assertThat(back.location()).isEqualTo("https://ca/acct/1");
    assertThat(back.directory()).isEqualTo("acme://letsencrypt.org");
    assertThat(back.keyPair().getPrivate().getEncoded()).isEqualTo(key.getPrivate().getEncoded());
    assertThat(back.keyPair().getPublic().getEncoded()).isEqualTo(key.getPublic().getEncoded());
  }

  @Test
  void readsTheOriginalsFileWithoutAPublicKey() {
    KeyPair key = Keys.ecP256();
    String original =
        "{\"id\":\"https://acme-v02.api.letsencrypt.org/acme/acct/42\",\"key_pkcs8\":\""
            + Base64.getUrlEncoder().withoutPadding().encodeToString(key.getPrivate().getEncoded())
            + "\",\"directory\":\"https://acme-v02.api.letsencrypt.org/directory\"}";
    StoredAccount a = StoredAccount.fromJson(original);
    assertThat(a.keyPair().getPublic().getEncoded()).isEqualTo(key.getPublic().getEncoded());
  }

  @Test
  void refusesWhatIsNotAnAccount() {
    assertThatThrownBy(() -> StoredAccount.fromJson("{}")).hasMessageContaining("key_pkcs8");
    assertThatThrownBy(() -> StoredAccount.fromJson("not json"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
