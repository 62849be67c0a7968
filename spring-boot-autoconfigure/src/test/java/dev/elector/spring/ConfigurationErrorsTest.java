package dev.elector.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elector.JobContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each configuration mistake fails the context at start, with a message that names the property or method. */
class ConfigurationErrorsTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ElectorAutoConfiguration.class));
    private final ApplicationContextRunner connected = runner.withPropertyValues(
            "elector.connect=mem://spring-errors/ns?sessionTimeout=2s", "elector.elections.reports.role=candidate");

    @Test
    void noUri() {
        runner.run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("elector.connect is not set"));
    }

    @Test
    void aBadUri() {
        runner.withPropertyValues("elector.connect=mem://spring-errors:99999/app").run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("elector.connect: ").hasStackTraceContaining("99999"));
    }

    @Test
    void anUnknownScheme() {
        runner.withPropertyValues("elector.connect=redis://127.0.0.1/app").run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("elector.connect: uri 'redis://127.0.0.1/app' has the unknown scheme 'redis'"));
    }

    @Test
    void aPasswordWithoutAUser() {
        runner.withPropertyValues("elector.connect=mem://spring-errors/ns", "elector.password=s3cret-value").run(context -> {
            assertThat(context).getFailure().hasStackTraceContaining("elector.password is set but elector.username is not");
            assertThat(context).getFailure().satisfies(f -> assertThat(stackTrace(f)).doesNotContain("s3cret-value"));
        });
    }

    @Test
    void anUndeclaredElectionInAnAnnotation() {
        connected.withUserConfiguration(Undeclared.class).run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("Undeclared$Job.run")
                .hasStackTraceContaining("election 'nightly' is not declared: add elector.elections.nightly.role=candidate (declared: reports)"));
    }

    @Test
    void aMethodTheSchedulerCannotServe() {
        connected.withUserConfiguration(WrongParameter.class).run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("WrongParameter$Job.run").hasStackTraceContaining("must take no parameter or one dev.elector.JobContext"));
        connected.withUserConfiguration(NoSchedule.class).run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("NoSchedule$Job.run").hasStackTraceContaining("set exactly one of fixedRate and fixedDelay"));
        connected.withUserConfiguration(BadPeriod.class).run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("BadPeriod$Job.run").hasStackTraceContaining("fixedRate").hasStackTraceContaining("soon"));
    }

    @Test
    void aMethodTheGuardCannotServe() {
        connected.withUserConfiguration(FinalGuard.class).run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("FinalGuard$Service.call").hasStackTraceContaining("cannot be guarded"));
        connected.withUserConfiguration(PrimitiveGuard.class).run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("PrimitiveGuard$Service.count").hasStackTraceContaining("returns int"));
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Configuration(proxyBeanMethods = false)
    static class Undeclared {
        static class Job {
            @LeaderScheduled(election = "nightly", fixedRate = "1m")
            void run() {
            }
        }

        @Bean
        Job job() {
            return new Job();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WrongParameter {
        static class Job {
            @LeaderScheduled(election = "reports", fixedRate = "1m")
            void run(String what) {
            }
        }

        @Bean
        Job job() {
            return new Job();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NoSchedule {
        static class Job {
            @LeaderScheduled(election = "reports")
            void run(JobContext run) {
            }
        }

        @Bean
        Job job() {
            return new Job();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BadPeriod {
        static class Job {
            @LeaderScheduled(election = "reports", fixedRate = "soon")
            void run() {
            }
        }

        @Bean
        Job job() {
            return new Job();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FinalGuard {
        static class Service {
            @LeaderOnly(election = "reports")
            public final String call() {
                return "x";
            }
        }

        @Bean
        Service service() {
            return new Service();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimitiveGuard {
        static class Service {
            @LeaderOnly(election = "reports")
            public int count() {
                return 1;
            }
        }

        @Bean
        Service service() {
            return new Service();
        }
    }
}
