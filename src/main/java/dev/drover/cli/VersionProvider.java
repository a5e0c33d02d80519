package dev.drover.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = VersionProvider.class.getPackage().getImplementationVersion();
    return new String[] {"drover " + (v == null ? "(development build)" : v)
        + " on Java " + Runtime.version()};
  }
}
