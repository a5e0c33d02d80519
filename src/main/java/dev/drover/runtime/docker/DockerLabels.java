package dev.drover.runtime.docker;

/** The labels drover puts on its images and containers, so it can find (and clean up) its own and nobody else's. */
final class DockerLabels {
  static final String PROJECT = "dev.drover.project";
  static final String GENERATION = "dev.drover.generation";
  static final String WORKER = "dev.drover.worker";
  /** The project's absolute path: two projects of the same folder name on one host must not clean up each other. */
  static final String PROJECT_DIR = "dev.drover.project-dir";

  private DockerLabels() {
  }
}
