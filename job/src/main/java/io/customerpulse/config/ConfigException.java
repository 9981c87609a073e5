package io.customerpulse.config;

/** A job parameter is missing, unknown or malformed. The message names the key. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String key, String problem) {
        super("configuration key '" + key + "': " + problem);
    }
}
