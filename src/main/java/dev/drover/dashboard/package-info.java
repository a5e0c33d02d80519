/**
 * The live web dashboard on {@code balancer.admin_listen}: a page bundled in the jar, the cluster's status as
 * {@code drover status --json} gives it, a short history of the balancer's counters sampled every second,
 * the supervisor's events, and the actions reload, scale and restart behind the admin token. It sits above
 * {@code supervisor} and asks it through the same methods the control socket uses; the balancer only hosts
 * the handler it is handed.
 */
package dev.drover.dashboard;
