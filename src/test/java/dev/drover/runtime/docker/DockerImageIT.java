package dev.drover.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.testing.DockerPeer;
import dev.drover.testing.Drover;
import dev.drover.testing.Peers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drover image build} on a real dockerd with the FROM-scratch base, then the rendered compose file run by
 * docker-compose, answering through drover's balancer inside the container.
 */
@Tag("docker")
class DockerImageIT {
  private static final Pattern BUILT = Pattern.compile("built (\\S+) \\(");

  @TempDir
  Path tmp;
  private Path project;
  private final List<String> images = new ArrayList<>();
  private int port;

  @BeforeEach
  void project() throws Exception {
    DockerPeer.require();
    project = tmp.resolve("img-" + UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(project.resolve("lib"));
    Files.writeString(project.resolve("lib/app.txt"), "first");
    port = Drover.freePort();
    Files.writeString(project.resolve("settings.toml"), """
        [default]
        app = "demo"
        app_classpath = ["lib"]
        [default.cluster]
        workers = 2
        graceful_timeout = "5s"
        [default.balancer]
        listen = "127.0.0.1:%d"
        """.formatted(port));
    Files.writeString(project.resolve(".secrets.toml"), "[default]\nsecret_key = \"k-123456-0123456789abcdef0123456789\"\n");
    Files.setPosixFilePermissions(project.resolve(".secrets.toml"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }

  @AfterEach
  void cleanUp() {
    if (project != null && Files.exists(project.resolve("docker-compose.yml"))) {
      Peers.run(List.of("docker-compose", "-f", project.resolve("docker-compose.yml").toString(), "down", "-v",
          "--timeout", "10"), project, Duration.ofMinutes(2));
    }
    images.forEach(i -> DockerPeer.docker("rmi", "-f", i));
  }

  private String build() {
    Drover.Result r = Drover.run(project, "image", "build");
    assertThat(r.code()).as(r.out()).isZero();
    Matcher m = BUILT.matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    images.add(m.group(1));
    assertThat(r.out()).contains("sending context").contains("Step 1/").doesNotContain("SLF4J");
    return m.group(1);
  }

  private List<String> layers(String image) {
    Peers.Result r = DockerPeer.docker("image", "inspect", "-f", "{{range .RootFS.Layers}}{{println .}}{{end}}", image);
    assertThat(r.ok()).as(r.output()).isTrue();
    return r.output().lines().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void anAppChangeRebuildsOnlyTheAppLayer() throws Exception {
    String first = build();
    assertThat(first).matches(Pattern.quote(project.getFileName().toString()) + ":[0-9a-f]{12}");
    assertThat(build()).as("same content, same tag").isEqualTo(first);

    Files.writeString(project.resolve("lib/app.txt"), "second");
    String second = build();

    assertThat(second).isNotEqualTo(first);
    List<String> before = layers(first);
    List<String> after = layers(second);
    assertThat(after).hasSameSizeAs(before);
    int n = before.size();
    assertThat(after.subList(0, n - 1)).as("base and drover layers are reused").isEqualTo(before.subList(0, n - 1));
    assertThat(after.get(n - 1)).isNotEqualTo(before.get(n - 1));
  }

  @Test
  void theRenderedComposeFileRunsTheClusterBehindItsBalancer() throws Exception {
    build();
    Drover.Result generated = Drover.run(project, "generate", "compose", "-o",
        project.resolve("docker-compose.yml").toString());
    assertThat(generated.code()).as(generated.out()).isZero();
    assertThat(Files.readString(project.resolve("docker-compose.yml"))).doesNotContain("k-123456");

    Peers.Result up = Peers.run(List.of("docker-compose", "-f", "docker-compose.yml", "up", "-d"), project,
        Duration.ofMinutes(2));
    assertThat(up.ok()).as(up.output()).isTrue();

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest info = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/info"))
        .timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    HttpResponse<String> answer = null;
    while (answer == null && System.nanoTime() < deadline) {
      try {
        answer = http.send(info, HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException notYet) {
        Thread.onSpinWait();
        Thread.sleep(200); // polling a port that is not open yet; the condition is the answer itself
      }
    }
    assertThat(answer).as("the balancer in the container answers").isNotNull();
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"worker\"");

    // The secrets came from the mounted file, not from the image or the compose file.
    String container = Peers.run(List.of("docker-compose", "-f", "docker-compose.yml", "ps", "-q"), project,
        Duration.ofMinutes(1)).output().strip();
    Peers.Result origin = DockerPeer.docker("exec", container, "/opt/jre/bin/java", "-jar", "/opt/drover/drover.jar",
        "-C", "/app", "config", "show", "--origin");
    assertThat(origin.output()).containsPattern("secret_key = \"\\*+\" +# \\.secrets\\.toml:2");

    // The supervisor is the container's pid 1, and SIGTERM from docker stops it gracefully, exit 0.
    Peers.Result stop = Peers.run(List.of("docker-compose", "-f", "docker-compose.yml", "stop"), project,
        Duration.ofMinutes(2));
    assertThat(stop.ok()).as(stop.output()).isTrue();
    assertThat(DockerPeer.docker("inspect", "-f", "{{.State.ExitCode}}", container).output().strip()).isEqualTo("0");
    assertThat(DockerPeer.docker("logs", container).output()).contains("pid 1").contains("stopped");

    Peers.Result down = Peers.run(List.of("docker-compose", "-f", "docker-compose.yml", "down", "-v"), project,
        Duration.ofMinutes(2));
    assertThat(down.ok()).as(down.output()).isTrue();
    Peers.Result left = DockerPeer.docker("ps", "-aq", "--filter", "label=com.docker.compose.project="
        + project.getFileName());
    assertThat(left.output().strip()).isEmpty();
  }
}
