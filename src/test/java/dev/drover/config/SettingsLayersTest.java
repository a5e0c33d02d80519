package dev.drover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsLayersTest {

  @Test
  void readsEachEnvironmentTableAsTypedEntries() {
    Map<String, Map<String, Entry>> layers = SettingsLayers.parse("t.toml", """
        [default]
        app = "static"
        app_classpath = ["a.jar"]
        [default.app_settings]
        greeting = "hi"
        [production.balancer]
        listen = "0.0.0.0:8000"
        [[production.balancer.rate_limit.routes]]
        path = "/login"
        limit = "10/second"
        """);

    assertThat(layers).containsOnlyKeys("default", "production");
    assertThat(layers.get("default")).containsOnlyKeys("app", "app_classpath", "app_settings.greeting");
    assertThat(layers.get("default").get("app_classpath").value()).isEqualTo(List.of("a.jar"));
    assertThat(layers.get("default").get("app").origin()).isEqualTo(Origin.file("t.toml", 2, 1));
    assertThat(layers.get("production").get("balancer.listen").value()).isEqualTo(HostPort.parse("0.0.0.0:8000"));
    assertThat(layers.get("production").get("balancer.rate_limit.routes").value())
        .isEqualTo(List.of(new RouteRule("/login", "", Rate.parse("10/second"), 0)));
  }

  @Test
  void namesFileAndLineOfEveryProblem() {
    assertThatThrownBy(() -> SettingsLayers.parse("t.toml", "[default]\nworkers = 3\n[default.cluster]\nworkers = 0\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).satisfiesExactly(
            p -> assertThat(p).startsWith("t.toml:2:1 [default] unknown key 'workers'"),
            p -> assertThat(p).startsWith("t.toml:4 [default.cluster].workers must be \"auto\" or an integer from 1 to 1024")));
  }

  @Test
  void refusesKeysOutsideAnEnvironmentAndBrokenToml() {
    assertThatThrownBy(() -> SettingsLayers.parse("t.toml", "app = \"demo\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("t.toml:1:1 top-level key 'app' must be inside an environment table such as [default]");
    assertThatThrownBy(() -> SettingsLayers.parse("t.toml", "[default\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("t.toml:1:")
        .hasMessageContaining("syntax error");
  }
}
