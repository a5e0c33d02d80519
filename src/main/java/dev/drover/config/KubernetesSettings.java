package dev.drover.config;

/**
 * {@code [<env>.kubernetes]}: what {@code drover generate kubernetes} renders beyond the cluster's own
 * settings. Quantities stay the text Kubernetes reads ({@code "500m"}, {@code "1Gi"}); empty means unset.
 */
public record KubernetesSettings(
    int replicas,
    String namespace,
    String cpuRequest,
    String memoryRequest,
    String cpuLimit,
    String memoryLimit,
    int hpaMaxReplicas,
    int hpaCpuPercent,
    String ingressHost,
    String ingressClass) {
}
