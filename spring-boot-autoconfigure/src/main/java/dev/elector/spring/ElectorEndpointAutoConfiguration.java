package dev.elector.spring;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code /actuator/elector} endpoint, when exposed ({@code management.endpoints.web.exposure.include}). */
@AutoConfiguration(after = ElectorAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(Elections.class)
public final class ElectorEndpointAutoConfiguration {
    /** Made by Spring. */
    public ElectorEndpointAutoConfiguration() {
    }

    /**
     * The endpoint.
     *
     * @param elections the declared elections
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public ElectorEndpoint electorEndpoint(Elections elections) {
        return new ElectorEndpoint(elections);
    }
}
