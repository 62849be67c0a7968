package dev.elector.example.spring;

import dev.elector.JobContext;
import dev.elector.spring.LeaderScheduled;
import dev.elector.spring.LeadershipRevokedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** The work that must run on one instance at a time. */
@Component
public class Report {
    private static final Logger log = LoggerFactory.getLogger(Report.class);

    /**
     * One run, on the leader only, at every tick that all instances share. A real report would pass the
     * fencing token to the store it writes, which refuses tokens below the highest it has seen.
     *
     * @param run the term and tick of this run
     */
    @LeaderScheduled(election = "report", fixedRate = "${report.every:1s}")
    public void run(JobContext run) {
        log.info("REPORT tick={} token={}", run.scheduledTime(), run.fencingToken());
    }

    /**
     * Logs why this instance stopped leading.
     *
     * @param event the ended term
     */
    @EventListener
    public void revoked(LeadershipRevokedEvent event) {
        log.info("REVOKED election={} token={} reason={}", event.election(), event.term().fencingToken(), event.reason());
    }
}
