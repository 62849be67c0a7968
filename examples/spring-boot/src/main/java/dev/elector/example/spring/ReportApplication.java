package dev.elector.example.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Runs the report on whichever instance leads the election {@code report}. */
@SpringBootApplication
public class ReportApplication {
    /**
     * Starts the application.
     *
     * @param args Spring Boot's arguments, such as {@code --elector.connect=etcd://127.0.0.1:2379/myapp}
     */
    public static void main(String[] args) {
        SpringApplication.run(ReportApplication.class, args);
    }
}
