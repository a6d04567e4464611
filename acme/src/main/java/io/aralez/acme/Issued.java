package io.aralez.acme;

import java.security.cert.X509Certificate;

/**
 * A certificate the CA issued.
 *
 * @param chainPem the leaf first, then the intermediates
 * @param keyPem the private key, PKCS#8 PEM
 */
public record Issued(String chainPem, String keyPem, X509Certificate leaf) {}
