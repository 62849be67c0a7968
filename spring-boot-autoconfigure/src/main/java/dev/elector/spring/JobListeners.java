package dev.elector.spring;

import dev.elector.JobListener;

/** Gives each {@link LeaderScheduled} job its listener: the meters, when Micrometer is there. */
@FunctionalInterface
interface JobListeners {
    JobListener forJob(String name);
}
