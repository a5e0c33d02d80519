package dev.drover.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.Secret;
import org.junit.jupiter.api.Test;

class WorkerSecretsTest {

  @Test
  void readsTheSecretsLine() throws Exception {
    WorkerSecrets s = WorkerSecrets.parse("{\"secrets\": {\"secret_key\": \"k\", \"app_settings.db_password\": \"p\"}}");

    assertThat(s.size()).isEqualTo(2);
    assertThat(s.get("secret_key")).contains(new Secret("k"));
    assertThat(s.get("db_password")).contains(new Secret("p"));
    assertThat(s.revealedByPlainName()).containsExactly(
        java.util.Map.entry("secret_key", "k"), java.util.Map.entry("db_password", "p"));
  }

  @Test
  void anEmptyObjectMeansNoSecrets() throws Exception {
    assertThat(WorkerSecrets.parse("{}").size()).isZero();
    assertThat(WorkerSecrets.parse("{\"secrets\":{}}").size()).isZero();
  }

  @Test
  void errorsNeverQuoteTheLine() {
    assertThatThrownBy(() -> WorkerSecrets.parse("{\"secrets\": {\"secret_key\": hunter2}}"))
        .isInstanceOf(BootException.class)
        .hasMessage("the secrets line on standard input is not JSON")
        .hasNoCause();
    assertThatThrownBy(() -> WorkerSecrets.parse("[\"hunter2\"]"))
        .isInstanceOf(BootException.class).hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> WorkerSecrets.parse("{\"secrets\": \"hunter2\"}"))
        .isInstanceOf(BootException.class).hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> WorkerSecrets.parse("{\"secrets\": {\"secret_key\": {\"v\": \"hunter2\"}}}"))
        .isInstanceOf(BootException.class).hasMessage("secret secret_key on standard input must be a string");
  }
}
