package dev.drover.worker;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.resource.PathResourceManager;
import io.undertow.server.handlers.resource.Resource;
import io.undertow.server.handlers.resource.ResourceChangeListener;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.undertow.server.handlers.resource.ResourceManager;
import io.undertow.util.ETag;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The built-in {@code static} app: serves one folder with Undertow's resource handler (index.html, ETag,
 * Last-Modified, ranges). Nothing outside that folder is ever served: a request path with {@code ..},
 * a backslash or a control character is refused before any file is looked at, and every file found is
 * checked again by its real path, so a symbolic link that leads out of the folder serves nothing.
 * Hidden files ({@code .git}, {@code .env}) are not served either; {@code .well-known} is.
 */
final class StaticApp {
  private StaticApp() {
  }

  /** The handler for {@code projectDir/staticRoot}; a missing folder is a boot error. */
  static HttpHandler create(Path projectDir, String staticRoot) throws BootException {
    Path root = projectDir.resolve(staticRoot).normalize();
    if (!Files.isDirectory(root)) {
      throw new BootException("static root " + root + " is not a directory (static.root = \"" + staticRoot + "\")");
    }
    Path realRoot;
    try {
      realRoot = root.toRealPath();
    } catch (IOException e) {
      throw new BootException("static root " + root + " cannot be read: " + e.getMessage(), e);
    }
    ResourceManager files = PathResourceManager.builder()
        .setBase(realRoot)
        // Links are followed only to be checked: ConfinedResources refuses any whose target is outside.
        .setFollowLinks(true)
        .setSafePaths(new String[] {realRoot + realRoot.getFileSystem().getSeparator()})
        .setAllowResourceChangeListeners(false)
        .setETagFunction(StaticApp::etag)
        .build();
    ResourceHandler resources = new ResourceHandler(new ConfinedResources(files, realRoot),
        ResponseCodeHandler.HANDLE_404);
    resources.setDirectoryListingEnabled(false);
    return new PathGuard(resources);
  }

  /** An ETag from modification time and size, as nginx makes it: cheap, and no file is read. */
  private static ETag etag(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new ETag(false, Long.toHexString(a.lastModifiedTime().toMillis()) + "-" + Long.toHexString(a.size()));
    } catch (IOException e) {
      return null;
    }
  }

  /** True for a decoded request path that could name something outside the root or a hidden file. */
  static boolean isRefused(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\' || c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.startsWith(".") && !segment.equals(".well-known")) {
        return true;
      }
    }
    return false;
  }

  /** Refuses dangerous paths with 404, so a probe learns nothing about what exists. */
  private static final class PathGuard implements HttpHandler {
    private final HttpHandler next;

    PathGuard(HttpHandler next) {
      this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
      if (isRefused(exchange.getRelativePath())) {
        exchange.setStatusCode(StatusCodes.NOT_FOUND);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send("not found");
        return;
      }
      next.handleRequest(exchange);
    }
  }

  /** Serves only resources whose real path (links resolved) lies inside the root. */
  private static final class ConfinedResources implements ResourceManager {
    private final ResourceManager delegate;
    private final Path realRoot;

    ConfinedResources(ResourceManager delegate, Path realRoot) {
      this.delegate = delegate;
      this.realRoot = realRoot;
    }

    @Override
    public Resource getResource(String path) throws IOException {
      Resource r = delegate.getResource(path);
      if (r == null || r.getFilePath() == null) {
        return null;
      }
      try {
        // Path.startsWith compares whole names, so /srv/www-private is not inside /srv/www.
        return r.getFilePath().toRealPath().startsWith(realRoot) ? r : null;
      } catch (IOException e) {
        return null;
      }
    }

    @Override
    public boolean isResourceChangeListenerSupported() {
      return false;
    }

    @Override
    public void registerResourceChangeListener(ResourceChangeListener listener) {
    }

    @Override
    public void removeResourceChangeListener(ResourceChangeListener listener) {
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
