package dev.elector.spi;

/**
 * One server address from the connection URI.
 *
 * @param host a host name or IP literal
 * @param port 1 to 65535
 */
public record Endpoint(String host, int port) {
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
