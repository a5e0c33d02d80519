package dev.drover.balancer;

import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;

/**
 * For handlers that park an exchange ({@code dispatch(SameThreadExecutor, task)}) and answer it later from a timer
 * or a read listener, outside any handler call.
 */
final class Parked {
  private Parked() {
  }

  /**
   * Ends a parked exchange with {@code status}, inside a root handler call as Undertow expects, so that the error
   * page is written and the completion listeners run. On a closed connection the listeners still run.
   */
  static void answer(HttpServerExchange exchange, int status) {
    Connectors.executeRootHandler(ex -> {
      ex.setStatusCode(status);
      ex.endExchange();
    }, exchange);
  }
}
