package dev.drover.dashboard;

import java.util.Map;

/**
 * One second of the cluster, for the dashboard's charts. Rates are per second over the last interval;
 * latencies are estimated from the balancer's histogram buckets, so they are as coarse as those.
 *
 * @param timeMillis     when the sample was taken (epoch milliseconds)
 * @param rps2xx         responses per second with a 1xx or 2xx status (1xx are too rare to chart apart)
 * @param rateLimited    429s per second from the rate limits
 * @param queueFull      503s per second because max_concurrent and the queue were full
 * @param tooLarge       413s per second (body over max_body)
 * @param headerTooLarge 431s per second (head over max_header_size)
 * @param badRequest     400s per second
 * @param perIpRefused   connections per second refused by max_connections_per_ip
 * @param rssBytes       resident memory by worker id; an id missing had no running process
 */
record Sample(
    long timeMillis,
    double rps2xx,
    double rps3xx,
    double rps4xx,
    double rps5xx,
    double p50Millis,
    double p99Millis,
    double rateLimited,
    double queueFull,
    double tooLarge,
    double headerTooLarge,
    double badRequest,
    double perIpRefused,
    long inFlight,
    Map<Integer, Long> rssBytes) {
}
