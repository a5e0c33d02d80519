package dev.drover.balancer;

import io.undertow.server.DefaultResponseListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.nio.charset.StandardCharsets;

/**
 * Gives every error the balancer answers itself a short body: HTML for browsers, plain text otherwise.
 * Handlers further in only set a status and end the exchange; responses from backends pass untouched.
 */
final class ErrorPages implements HttpHandler {
  private static final DefaultResponseListener RENDER = ErrorPages::render;
  private final HttpHandler next;

  ErrorPages(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    exchange.addDefaultResponseListener(RENDER);
    next.handleRequest(exchange);
  }

  static boolean render(HttpServerExchange exchange) {
    int status = exchange.getStatusCode();
    if (exchange.isResponseStarted() || status < 400) {
      return false;
    }
    String requestId = exchange.getResponseHeaders().getFirst(RequestIdHandler.HEADER);
    String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
    boolean html = accept != null && accept.contains("text/html");
    String body = body(status, requestId, html);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType(html));
    exchange.getResponseHeaders().remove(Headers.CONTENT_LENGTH);
    exchange.getResponseHeaders().remove(Headers.TRANSFER_ENCODING);
    exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
    return true;
  }

  static String contentType(boolean html) {
    return (html ? "text/html" : "text/plain") + "; charset=utf-8";
  }

  /** The page for {@code status}: HTML when the client's {@code Accept} names text/html, else one line of text. */
  static String body(int status, String requestId, boolean html) {
    String title = status + " " + StatusCodes.getReason(status);
    StringBuilder body = new StringBuilder(256);
    if (html) {
      body.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(title)
          .append("</title></head>\n<body><h1>").append(title).append("</h1>\n<p>").append(explain(status)).append("</p>\n");
      if (requestId != null) {
        body.append("<p><small>request id ").append(requestId).append("</small></p>\n");
      }
      body.append("</body></html>\n");
    } else {
      body.append(title).append(": ").append(explain(status)).append('\n');
      if (requestId != null) {
        body.append("request id ").append(requestId).append('\n');
      }
    }
    return body.toString();
  }

  private static String explain(int status) {
    return switch (status) {
      case StatusCodes.BAD_GATEWAY -> "The worker failed while handling this request.";
      case StatusCodes.SERVICE_UNAVAILABLE -> "No worker can take this request right now; try again in a moment.";
      case StatusCodes.GATEWAY_TIME_OUT -> "The worker took too long to answer.";
      case StatusCodes.NOT_FOUND -> "Nothing here.";
      case StatusCodes.REQUEST_ENTITY_TOO_LARGE -> "The request body is larger than this server accepts.";
      case StatusCodes.TOO_MANY_REQUESTS -> "Too many requests from this address; try again after Retry-After seconds.";
      default -> "The request could not be handled.";
    };
  }
}
