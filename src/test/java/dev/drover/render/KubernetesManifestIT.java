package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.drover.config.Config;
import dev.drover.config.SettingsLoader;
import dev.drover.testing.Peers;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes objects drover renders, checked offline by two schema validators that see different mistakes
 * (no API server can run here, and kubectl cannot validate without one): npm's kubernetes-models checks types,
 * formats and required fields; the official Java client's models reject unknown and missing fields. Each is
 * shown to reject a broken object, so a pass means something.
 */
class KubernetesManifestIT {
  private static final Path MODELS = Path.of("target", "kubernetes-models").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static Path node;

  @TempDir
  Path dir;

  @BeforeAll
  static void installModels() {
    node = Peers.require("node", "nodejs");
    Path npm = Peers.require("npm", "npm");
    if (!Files.isDirectory(MODELS.resolve("node_modules/kubernetes-models"))) {
      Peers.Result installed = Peers.run(List.of(npm.toString(), "install", "--no-audit", "--no-fund", "--prefix",
          MODELS.toString(), "kubernetes-models@5.1.0"), Path.of("."), Duration.ofMinutes(5));
      assertThat(installed.ok()).as("npm install kubernetes-models: %s", installed.output()).isTrue();
    }
  }

  private List<ObjectNode> rendered() throws IOException {
    TestProject.at(dir.resolve("shop")).settings(ContainerGeneratorTest.SETTINGS).secrets(ContainerGeneratorTest.SECRETS);
    Config config = new SettingsLoader(dir.resolve("shop"), Map.of()).load("production");
    ContainerGenerator generator = new ContainerGenerator(2);
    List<ObjectNode> out = new ArrayList<>();
    for (String text : generator.kubernetes(config, ContainerGeneratorTest.IMAGE).values()) {
      out.add((ObjectNode) YAML.readTree(text));
    }
    out.add((ObjectNode) YAML.readTree(generator.kubernetesSecret(config, ContainerGeneratorTest.IMAGE, "x = 1\n")));
    return out;
  }

  @Test
  void everyObjectPassesKubernetesModels() throws IOException {
    List<ObjectNode> objects = rendered();

    Peers.Result result = validateWithNode(objects);

    assertThat(result.ok()).as(result.output()).isTrue();
    assertThat(result.output().lines().filter(l -> l.startsWith("valid "))).hasSize(objects.size());
  }

  @Test
  void kubernetesModelsRejectsAWrongType() throws IOException {
    ObjectNode deployment = byKind(rendered(), "Deployment");
    ((ObjectNode) deployment.get("spec")).put("replicas", "three");

    Peers.Result result = validateWithNode(List.of(deployment));

    assertThat(result.ok()).isFalse();
    assertThat(result.output()).contains("invalid Deployment").contains("replicas");
  }

  @Test
  void everyObjectPassesTheJavaClientModels() throws IOException {
    for (ObjectNode object : rendered()) {
      assertThat(javaClientProblem(object)).as(object.get("kind").asText()).isNull();
    }
  }

  @Test
  void theJavaClientRejectsAnUnknownField() throws IOException {
    ObjectNode deployment = byKind(rendered(), "Deployment");
    ((ObjectNode) deployment.get("spec")).put("replica", 3);

    assertThat(javaClientProblem(deployment)).contains("replica");
  }

  private Peers.Result validateWithNode(List<ObjectNode> objects) throws IOException {
    Path json = dir.resolve("objects.json");
    JSON.writeValue(json.toFile(), objects);
    Path script = MODELS.resolve("validate.mjs");
    try (var in = KubernetesManifestIT.class.getResourceAsStream("/peers/kubernetes-models-validate.mjs")) {
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return Peers.run(List.of(node.toString(), script.toString(), json.toString()), MODELS, Duration.ofMinutes(1));
  }

  /** The client's complaint, or null. Its messages quote whole objects, so a Secret's complaint is only its kind. */
  private static String javaClientProblem(ObjectNode object) {
    String json = object.toString();
    String kind = object.get("kind").asText();
    try {
      switch (kind) {
        case "ConfigMap" -> V1ConfigMap.fromJson(json);
        case "Deployment" -> V1Deployment.fromJson(json);
        case "Service" -> V1Service.fromJson(json);
        case "PodDisruptionBudget" -> V1PodDisruptionBudget.fromJson(json);
        case "HorizontalPodAutoscaler" -> V2HorizontalPodAutoscaler.fromJson(json);
        case "Ingress" -> V1Ingress.fromJson(json);
        case "Secret" -> V1Secret.fromJson(json);
        default -> throw new AssertionError("no Java model for " + kind);
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return kind.equals("Secret") ? "the Secret is invalid" : String.valueOf(e.getMessage());
    }
  }

  private static ObjectNode byKind(List<ObjectNode> objects, String kind) {
    return objects.stream().filter(o -> o.get("kind").asText().equals(kind)).findFirst().orElseThrow();
  }
}
