/**
 * The built-in front door: an Undertow listener, a chain of small {@link io.undertow.server.HttpHandler}s, and a
 * reverse proxy to a pool of worker processes that the supervisor changes while traffic flows.
 *
 * <p>On a plain listener ({@code balancer.fast_path}, on by default) {@code FastFront} accepts the connections
 * itself: a {@code java.nio} selector loop per core proxies the plain HTTP/1.1 requests {@code FastHead} accepts, with
 * the same shared parts as the chain below (per-address counts, the concurrency gate, rate limits, the backend pool,
 * metrics, the access log), and hands every other connection, before it sent anything for it, to the Undertow
 * listener on loopback through {@code Handoff}, which serves it to its end as described next. A request the chain
 * would refuse or park is handed over, so refusals have one source.
 *
 * <p>Request path, outermost first: {@code AccessLog} (when on), {@code MetricsHandler} (counts every response,
 * the balancer's own errors too), {@code ErrorPages} (renders empty error responses), {@code RequestIdHandler},
 * the graceful-shutdown gate, {@code InternalPathGuard}, {@code RequestSanityHandler} (431, ambiguous framing),
 * {@code BodyLimitHandler}, {@code ForwardedHeadersHandler}, {@code RateLimitHandler}, {@code ChunkedBodyCheck},
 * {@code ConcurrencyLimitHandler} (max_concurrent and its queue), then {@code GzipHandler} and
 * {@code UpstreamHandler} in front of Undertow's {@code ProxyHandler}. {@code PerIpConnectionLimit} works before
 * all of these, on accepted connections.
 *
 * <p>{@code FrontListener} owns the sockets and the threads; with TLS ({@code ServerTls}, PEM files read by
 * {@code Pem} and {@code PrivateKeys}) it speaks HTTP/2 or HTTP/1.1 by ALPN and may redirect a plain port.
 * Undertow's {@code ProxyHandler} does the HTTP work (streaming, 100-continue, trailers, upgrades); choosing a
 * backend, the keep-alive pools, failure detection, retries and the error statuses are ours
 * ({@code UpstreamHandler}, {@code BackendPool}, {@code ConnectionPool}, {@code Attempt}), because Undertow's
 * {@code LoadBalancingProxyClient} piles a dead backend's share onto its neighbour, has no draining state, and
 * closes pools from foreign threads.
 */
package dev.drover.balancer;
