package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import dev.drover.config.RateLimitSettings;
import dev.drover.config.RouteRule;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.CanonicalPathUtils;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * {@code balancer.rate_limit}: token buckets per client address (see {@link ClientAddress}). Every request
 * takes a token from the client's default bucket and from its bucket of each route rule the request matches,
 * as the generated nginx and HAProxy files count. A request that finds any of them empty gets 429 with
 * {@code Retry-After} and never reaches a worker; the tokens it took from the others are given back, so
 * hammering one limited route does not eat the client's budget for the rest of the site (nginx does the same).
 *
 * <p>Every answer carries {@code RateLimit-Limit} and {@code RateLimit-Remaining} (IETF draft names) of the
 * tightest limit the request met; a 429 adds {@code RateLimit-Reset}, the seconds until that bucket is full.
 */
final class RateLimitHandler implements HttpHandler, Reconfigurable {
  static final HttpString LIMIT = new HttpString("RateLimit-Limit");
  static final HttpString REMAINING = new HttpString("RateLimit-Remaining");
  static final HttpString RESET = new HttpString("RateLimit-Reset");

  private final Metrics metrics;
  private final HttpHandler next;
  private final TimeMeter clock;
  private final int maxEntries;
  private final Executor sweeper;
  /** Null while rate limiting is off. Swapped whole on reconfigure; requests read it once. */
  private volatile Limits limits;

  RateLimitHandler(BalancerSettings settings, Metrics metrics, HttpHandler next) {
    // sweeps are rare and need no thread of their own to start and stop: the common pool runs them
    this(settings, metrics, next, TimeMeter.SYSTEM_NANOTIME, BucketStore.MAX_ENTRIES, ForkJoinPool.commonPool());
  }

  RateLimitHandler(BalancerSettings settings, Metrics metrics, HttpHandler next, TimeMeter clock, int maxEntries,
      Executor sweeper) {
    this.metrics = metrics;
    this.next = next;
    this.clock = clock;
    this.maxEntries = maxEntries;
    this.sweeper = sweeper;
    this.limits = compile(settings, null);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    Limits current = limits;
    InetSocketAddress peer = exchange.getSourceAddress();
    if (current == null || peer == null || peer.getAddress() == null) {
      next.handleRequest(exchange);
      return;
    }
    InetAddress client = ClientAddress.resolve(peer.getAddress(),
        exchange.getRequestHeaders().get(Headers.X_FORWARDED_FOR), current.trusted);
    Verdict verdict = current.decide(client, exchange.getRequestMethod().toString(), exchange.getRequestPath());
    ConsumptionProbe probe = verdict.probe();
    HeaderMap headers = exchange.getResponseHeaders();
    headers.put(LIMIT, verdict.rule().limitHeader());
    headers.put(REMAINING, probe.getRemainingTokens());
    if (probe.isConsumed()) {
      next.handleRequest(exchange);
      return;
    }
    headers.put(RESET, secondsUp(probe.getNanosToWaitForReset()));
    headers.put(Headers.RETRY_AFTER, secondsUp(probe.getNanosToWaitForRefill()));
    metrics.rateLimited(client);
    exchange.setStatusCode(StatusCodes.TOO_MANY_REQUESTS);
    exchange.endExchange();
  }

  /** New limits apply to the next request; a limit whose rate, burst and route are unchanged keeps its buckets. */
  @Override
  public void reconfigure(BalancerSettings settings) {
    limits = compile(settings, limits);
  }

  /** The limits in force, null when off. */
  Limits limits() {
    return limits;
  }

  private Limits compile(BalancerSettings settings, Limits previous) {
    RateLimitSettings config = settings.rateLimit();
    if (!config.enabled()) {
      return null;
    }
    TrustedProxies trusted = TrustedProxies.parse(settings.trustedProxies());
    List<LimitRule.Spec> wanted = new ArrayList<>();
    wanted.add(LimitRule.Spec.defaultLimit(config.defaultLimit(), config.burst()));
    for (RouteRule route : config.routes()) {
      wanted.add(LimitRule.Spec.route(route));
    }
    List<LimitRule> reusable = previous == null ? new ArrayList<>() : new ArrayList<>(List.of(previous.rules));
    LimitRule[] rules = new LimitRule[wanted.size()];
    for (int i = 0; i < rules.length; i++) {
      rules[i] = take(reusable, wanted.get(i));
    }
    return new Limits(trusted, rules);
  }

  /** The old limit with this spec, each used once (two equal rules are two limits), else a new one. */
  private LimitRule take(List<LimitRule> reusable, LimitRule.Spec spec) {
    for (int i = 0; i < reusable.size(); i++) {
      if (reusable.get(i).spec().equals(spec)) {
        return reusable.remove(i);
      }
    }
    return new LimitRule(spec, maxEntries, clock, sweeper);
  }

  /** Whole seconds, rounded up and at least 1, as {@code Retry-After} needs: waiting less would be refused again. */
  static long secondsUp(long nanos) {
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }

  /** The outcome for one request: the limit that refused it, or the one with the fewest tokens left. */
  record Verdict(LimitRule rule, ConsumptionProbe probe) {
  }

  /** An immutable set of limits; rules[0] is the default. */
  static final class Limits {
    private final TrustedProxies trusted;
    private final LimitRule[] rules;
    private final boolean routed;

    Limits(TrustedProxies trusted, LimitRule[] rules) {
      this.trusted = trusted;
      this.rules = rules;
      this.routed = rules.length > 1;
    }

    /** Whose {@code X-Forwarded-For} names the client. */
    TrustedProxies trusted() {
      return trusted;
    }

    /** Takes a token from every bucket of {@code client} that the request meets; gives them back if one is empty. */
    Verdict decide(InetAddress client, String method, String path) {
      // route rules match the canonical path, as nginx does, so /./login or //login meet the /login rule
      String routePath = routed ? CanonicalPathUtils.canonicalize(path) : path;
      LimitRule tightest = null;
      ConsumptionProbe least = null;
      for (int i = 0; i < rules.length; i++) {
        LimitRule rule = rules[i];
        if (!rule.matches(method, routePath)) {
          continue;
        }
        ConsumptionProbe probe = rule.store().bucketFor(client).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
          giveBack(client, method, routePath, i);
          return new Verdict(rule, probe);
        }
        if (least == null || probe.getRemainingTokens() < least.getRemainingTokens()) {
          tightest = rule;
          least = probe;
        }
      }
      return new Verdict(tightest, least);
    }

    private void giveBack(InetAddress client, String method, String path, int upTo) {
      for (int i = 0; i < upTo; i++) {
        if (rules[i].matches(method, path)) {
          Bucket bucket = rules[i].store().existing(client);
          if (bucket != null) {
            bucket.addTokens(1);
          }
        }
      }
    }
  }
}
