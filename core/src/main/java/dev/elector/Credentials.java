package dev.elector;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A user name and a source of its password, for clusters that require credentials: etcd's users (RBAC)
 * and ZooKeeper's digest scheme. The password is asked of the supplier each time a backend connects or
 * authenticates again, so it can come from a vault and be rotated; Elector keeps no copy of its own, but
 * the client libraries do (jetcd re-authenticates with it, Curator adds it to every new ZooKeeper handle)
 * for as long as the coordinator lives.
 *
 * <p>{@link #toString()} and every message Elector writes name the user only.
 */
public final class Credentials {
    private final String user;
    private final Supplier<char[]> password;

    private Credentials(String user, Supplier<char[]> password) {
        this.user = user;
        this.password = password;
    }

    /**
     * A user and the supplier of its password.
     *
     * @param user 1 to 128 characters, no control characters, no {@code ':'} (ZooKeeper's digest scheme
     *     separates user and password with it)
     * @param password called each time the password is needed; must return a non-empty array
     * @return the credentials
     * @throws IllegalArgumentException naming the user and the rule it breaks
     */
    public static Credentials password(String user, Supplier<char[]> password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.isEmpty() || user.length() > Checks.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("user '" + Checks.printable(user) + "' must have 1 to " + Checks.MAX_NAME_LENGTH + " characters");
        }
        Checks.noControl("user", user);
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("user '" + user + "' must not contain ':', which ZooKeeper's digest scheme puts between user and password");
        }
        return new Credentials(user, password);
    }

    /**
     * The user name.
     *
     * @return the user
     */
    public String user() {
        return user;
    }

    /**
     * Asks the supplier for the password. For backends; the caller should clear the array once it is used.
     *
     * @return a fresh copy of the password
     * @throws IllegalArgumentException if the supplier gives none, naming the user only
     */
    public char[] password() {
        char[] value = password.get();
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("the password supplier of user '" + user + "' gave no password");
        }
        return value.clone();
    }

    @Override
    public String toString() {
        return "Credentials{user=" + user + ", password=***}";
    }
}
