package io.aralez.dataplane.admin;

import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.metrics.ProxyMetrics;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.runtime.ConfigIntake;
import io.aralez.dataplane.source.api.ApiPushSource;
import io.aralez.dataplane.source.discovery.DiscoveryHealth;

/**
 * What the admin API reads and acts on.
 *
 * @param mode the kind of source that gives the routes (file, consul, kubernetes, controller)
 * @param push the config push, or null when this mode refuses it
 * @param pushRefusal why a push is refused (409), when {@code push} is null
 * @param discovery the discovery provider's health, or null without one
 * @param acme certificate ordering, or null when this process orders none (no certificate folder,
 *     or in a cluster)
 * @param challenges the HTTP-01 answers of this process's orders
 */
public record AdminContext(
    MainConfig config,
    ConfigIntake intake,
    ProxyMetrics metrics,
    Candidate.Kind mode,
    ApiPushSource push,
    String pushRefusal,
    DiscoveryHealth discovery,
    io.aralez.dataplane.acme.AcmeManager acme,
    io.aralez.dataplane.admission.ChallengeAnswers challenges) {}
