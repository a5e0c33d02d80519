package dev.drover.cli;

import dev.drover.config.DroverJar;
import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"drover " + DroverJar.release() + " on Java " + Runtime.version()};
  }
}
