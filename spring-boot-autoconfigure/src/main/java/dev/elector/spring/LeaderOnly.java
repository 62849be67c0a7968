package dev.elector.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets calls of a bean method through only while this instance leads a declared election.
 *
 * <p>A guard for ad-hoc calls (an HTTP handler, a message listener): it checks at the call, it does not
 * stop a call in progress when leadership goes. Work that must stop with the term belongs in a
 * {@link LeaderScheduled} job, or checks {@code Elections.get(name).leadership()} and passes its fencing token
 * to what it writes. The bean is proxied, so the guard applies to calls from other beans, not to calls
 * from the bean to itself; a final, static or private method cannot be guarded and fails the context at
 * start.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LeaderOnly {
    /** What a call does when this instance does not lead. */
    enum WhenNotLeader {
        /** Returns {@code null}, or an empty {@code Optional}, without calling; not for primitive results. */
        SKIP,
        /** Throws {@link NotLeaderException} without calling. */
        THROW
    }

    /**
     * The election, declared under {@code elector.elections}.
     *
     * @return the election name
     */
    String election();

    /**
     * What a call does when this instance does not lead.
     *
     * @return {@link WhenNotLeader#SKIP} unless set
     */
    WhenNotLeader whenNotLeader() default WhenNotLeader.SKIP;
}
