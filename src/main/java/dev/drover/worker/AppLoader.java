package dev.drover.worker;

import dev.drover.config.Secret;
import dev.drover.config.WorkerSpec;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the spec's {@code app} into the handler the worker serves: the built-in {@code demo} or
 * {@code static} app, or a class from {@code app_classpath} that is an {@link App} or an Undertow
 * {@link HttpHandler}. Anything that stops the app from being built is a {@link BootException}.
 */
final class AppLoader {
  static final String DEMO = "demo";
  static final String STATIC = "static";

  private final WorkerSpec spec;
  private final WorkerSecrets secrets;
  private final WorkerLog log;
  private final long pid;

  AppLoader(WorkerSpec spec, WorkerSecrets secrets, WorkerLog log, long pid) {
    this.spec = spec;
    this.secrets = secrets;
    this.log = log;
    this.pid = pid;
  }

  /** The app's handler, ready to serve. */
  HttpHandler load() throws BootException {
    String app = spec.app() == null ? "" : spec.app().trim();
    Path projectDir = Path.of(spec.projectDir());
    return switch (app) {
      case DEMO -> demo();
      case STATIC -> StaticApp.create(projectDir, spec.staticRoot() == null ? "" : spec.staticRoot());
      case "" -> throw new BootException("no app is set (app = \"demo\", \"static\" or a class name)");
      default -> custom(app, projectDir);
    };
  }

  /** The demo counts the visitor's visits in a session when a secret_key is set, and refuses a weak one. */
  private HttpHandler demo() throws BootException {
    if (secrets.get(Sessions.KEY).isEmpty()) {
      return new DemoApp(spec.id(), pid, spec.env());
    }
    Sessions sessions;
    try {
      sessions = Sessions.from(new Context());
    } catch (IllegalArgumentException e) {
      throw new BootException(e.getMessage(), e);
    }
    return sessions.wrap(new DemoApp(spec.id(), pid, spec.env(), true));
  }

  private HttpHandler custom(String className, Path projectDir) throws BootException {
    ClassLoader loader = classLoader(projectDir);
    // Libraries an app uses (JDBC drivers, ServiceLoader, Jackson modules) look classes up through the
    // context class loader: it must be the app's while the app is built and while it serves.
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return new BlockingHandler(new AppClassLoaderHandler(loader, build(className, loader)));
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private HttpHandler build(String className, ClassLoader loader) throws BootException {
    Class<?> type;
    try {
      type = Class.forName(className, true, loader);
    } catch (ClassNotFoundException e) {
      throw new BootException("app class " + className + " not found in app_classpath " + spec.appClasspath(), e);
    } catch (LinkageError | RuntimeException e) {
      throw new BootException("app class " + className + " cannot be loaded: " + e, e);
    }
    HttpHandler handler;
    if (App.class.isAssignableFrom(type)) {
      App instance = (App) construct(type, constructor(type));
      try {
        handler = instance.handler(new Context());
      } catch (Exception e) {
        throw new BootException("app " + className + " failed to build its handler: " + e, e);
      }
      if (handler == null) {
        throw new BootException("app " + className + " returned no handler");
      }
    } else if (HttpHandler.class.isAssignableFrom(type)) {
      Constructor<?> withSettings = publicConstructor(type, Map.class);
      handler = (HttpHandler) (withSettings != null
          ? construct(type, withSettings, settingsAndSecrets())
          : construct(type, constructor(type)));
    } else {
      throw new BootException("app class " + className + " is neither a " + App.class.getName() + " nor an "
          + HttpHandler.class.getName());
    }
    // Apps are written as plain blocking code (JDBC, HTTP calls); BlockingHandler keeps them off IO threads.
    return handler;
  }

  private ClassLoader classLoader(Path projectDir) throws BootException {
    List<String> entries = spec.appClasspath();
    URL[] urls = new URL[entries.size()];
    for (int i = 0; i < urls.length; i++) {
      Path p = projectDir.resolve(entries.get(i)).normalize();
      if (!Files.exists(p)) {
        throw new BootException("app_classpath entry " + entries.get(i) + " not found (" + p + ")");
      }
      try {
        urls[i] = p.toUri().toURL();
      } catch (MalformedURLException e) {
        throw new BootException("app_classpath entry " + entries.get(i) + " is not a usable path", e);
      }
    }
    // The worker's own loader is the parent, so the app sees the very Undertow classes the server runs.
    return new URLClassLoader("app", urls, AppLoader.class.getClassLoader());
  }

  private static Constructor<?> constructor(Class<?> type) throws BootException {
    if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
      throw new BootException("app class " + type.getName() + " must be a public, non-abstract class");
    }
    Constructor<?> c = publicConstructor(type);
    if (c == null) {
      throw new BootException("app class " + type.getName() + " has no public no-arg constructor"
          + (App.class.isAssignableFrom(type) ? "" : " nor a public one taking java.util.Map<String, Object>"));
    }
    return c;
  }

  private static Constructor<?> publicConstructor(Class<?> type, Class<?>... parameters) {
    try {
      Constructor<?> c = type.getConstructor(parameters);
      return Modifier.isPublic(type.getModifiers()) && !Modifier.isAbstract(type.getModifiers()) ? c : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static Object construct(Class<?> type, Constructor<?> c, Object... args) throws BootException {
    try {
      return c.newInstance(args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new BootException("app class " + type.getName() + " failed in its constructor: " + cause, cause);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new BootException("app class " + type.getName() + " cannot be created: " + e, e);
    }
  }

  /** A plain handler gets app_settings and every secret as text: it cannot know the Secret type. */
  private Map<String, Object> settingsAndSecrets() {
    Map<String, Object> all = new LinkedHashMap<>(spec.appSettings());
    all.putAll(secrets.revealedByPlainName());
    return all;
  }

  /** Runs each request of a custom app with the app's class loader as the thread's context class loader. */
  record AppClassLoaderHandler(ClassLoader loader, HttpHandler app) implements HttpHandler {
    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      thread.setContextClassLoader(loader);
      try {
        app.handleRequest(exchange);
      } finally {
        thread.setContextClassLoader(previous);
      }
    }
  }

  private final class Context implements AppContext {
    @Override
    public int workerId() {
      return spec.id();
    }

    @Override
    public String env() {
      return spec.env();
    }

    @Override
    public Map<String, Object> settings() {
      return spec.appSettings();
    }

    @Override
    public Optional<Secret> secret(String name) {
      return secrets.get(name);
    }

    @Override
    public System.Logger logger() {
      return log;
    }
  }
}
