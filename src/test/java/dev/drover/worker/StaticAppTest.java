package dev.drover.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticAppTest {
  static final String OUTSIDE = "outside-the-root-never-served";

  @TempDir
  Path project;
  private WorkerServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    makeSite(project);
    server = new WorkerServer("127.0.0.1", 0, 1, 2, StaticApp.create(project, "public"));
    server.start();
    port = server.address().getPort();
  }

  @AfterEach
  void stop() {
    server.drainAndStop(0);
  }

  /** A site under public/ with links that point in and out, and secrets beside and above it. */
  static void makeSite(Path project) throws Exception {
    Path root = Files.createDirectories(project.resolve("public"));
    Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/index.html"), "<h1>docs</h1>");
    Files.writeString(root.resolve(".env"), "hidden");
    Files.createDirectories(root.resolve(".well-known"));
    Files.writeString(root.resolve(".well-known/security.txt"), "Contact: x");
    Files.writeString(project.resolve("secret.txt"), OUTSIDE);
    Files.createDirectories(project.resolve("public-private"));
    Files.writeString(project.resolve("public-private/secret.txt"), OUTSIDE);
    Files.createSymbolicLink(root.resolve("link-out.txt"), project.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("dir-out"), project);
    Files.createSymbolicLink(root.resolve("sibling"), project.resolve("public-private"));
    Files.createSymbolicLink(root.resolve("link-in.html"), root.resolve("index.html"));
  }

  /** Request paths that try to leave the root, as raw bytes on the wire. */
  static List<String> escapes() {
    return List.of("/../secret.txt", "/docs/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2E%2E/secret.txt",
        "/docs/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/..\\secret.txt",
        "/%5c..%5csecret.txt", "/docs\\..\\..\\secret.txt", "/link-out.txt", "/dir-out/secret.txt",
        "/sibling/secret.txt", "/.env", "/docs/../.env", "/%2eenv", "/index.html%00");
  }

  @Test
  void servesIndexFilesWithValidators() throws Exception {
    TestHttp.Response home = TestHttp.get(port, "/");
    assertThat(home.status()).isEqualTo(200);
    assertThat(home.body()).isEqualTo("<h1>home</h1>");
    assertThat(home.header("Content-Type")).startsWith("text/html");
    assertThat(home.header("ETag")).isNotBlank();
    assertThat(home.header("Last-Modified")).isNotBlank();

    assertThat(TestHttp.get(port, "/docs/").body()).isEqualTo("<h1>docs</h1>");
    assertThat(TestHttp.get(port, "/.well-known/security.txt").status()).isEqualTo(200);
    assertThat(TestHttp.get(port, "/link-in.html").body()).as("a link inside the root").isEqualTo("<h1>home</h1>");
  }

  @Test
  void answersConditionalRequestsWith304() throws Exception {
    TestHttp.Response first = TestHttp.get(port, "/index.html");

    TestHttp.Response byEtag = TestHttp.request(port, "GET", "/index.html", Map.of("If-None-Match", first.header("ETag")));
    TestHttp.Response byDate =
        TestHttp.request(port, "GET", "/index.html", Map.of("If-Modified-Since", first.header("Last-Modified")));

    assertThat(byEtag.status()).isEqualTo(304);
    assertThat(byDate.status()).isEqualTo(304);
  }

  @Test
  void neverServesAnythingOutsideTheRoot() throws Exception {
    for (String path : escapes()) {
      TestHttp.Response r = TestHttp.get(port, path);
      assertThat(r.status()).as(path).isIn(400, 403, 404);
      assertThat(r.body()).as(path).doesNotContain(OUTSIDE).doesNotContain("hidden");
    }
  }

  @Test
  void refusesDangerousPathsBeforeLookingAtFiles() {
    assertThat(StaticApp.isRefused("/a/../b")).isTrue();
    assertThat(StaticApp.isRefused("/a\\b")).isTrue();
    assertThat(StaticApp.isRefused("/a\u0000b")).isTrue();
    assertThat(StaticApp.isRefused("/./a")).isTrue();
    assertThat(StaticApp.isRefused("/.git/config")).isTrue();
    assertThat(StaticApp.isRefused("/.well-known/acme")).isFalse();
    assertThat(StaticApp.isRefused("/a/b.c/index.html")).isFalse();
    assertThat(StaticApp.isRefused("/")).isFalse();
  }

  @Test
  void aMissingRootIsABootError(@TempDir Path empty) {
    assertThatThrownBy(() -> StaticApp.create(empty, "public"))
        .isInstanceOf(BootException.class)
        .hasMessageContaining("static root " + empty.resolve("public") + " is not a directory");
  }
}
