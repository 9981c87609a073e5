package io.customerpulse.tools.importer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A customer id from a buyer's e-mail address, as exports that have no buyer id name buyers: the
 * first 16 hex digits of the SHA-256 of the trimmed, lower-cased address, prefixed {@code b-}. The
 * job keeps an anonymised id (DESIGN section 2), never the address; the same address always gives
 * the same id, so a buyer's orders from several exports meet.
 */
final class Buyers {
    private Buyers() {}

    static String idOf(String email) {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256")
                            .digest(
                                    email.trim()
                                            .toLowerCase(Locale.ROOT)
                                            .getBytes(StandardCharsets.UTF_8));
            return "b-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }
}
