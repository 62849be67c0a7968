package dev.elector.spring;

import dev.elector.Durations;
import dev.elector.JobContext;
import dev.elector.JobListener;
import dev.elector.LeaderJob;
import dev.elector.LeaderTask;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.util.ReflectionUtils;

/**
 * Finds {@link LeaderScheduled} methods, checks each once when its bean is made, and keeps what
 * {@link Elections} needs to build and start their jobs with the context.
 */
final class LeaderScheduledProcessor implements BeanPostProcessor {
    private final Environment environment;
    private final ObjectProvider<ElectorProperties> properties;
    private final ObjectProvider<JobListeners> listeners;
    private final List<Function<Elections, LeaderJob.Builder>> jobs = new CopyOnWriteArrayList<>();

    LeaderScheduledProcessor(Environment environment, ObjectProvider<ElectorProperties> properties, ObjectProvider<JobListeners> listeners) {
        this.environment = environment;
        this.properties = properties;
        this.listeners = listeners;
    }

    /** The jobs found so far; {@link Elections#start()} reads them once every bean is made. */
    List<Function<Elections, LeaderJob.Builder>> jobs() {
        return jobs;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        annotated(bean, LeaderScheduled.class).forEach((method, annotation) -> jobs.add(job(bean, beanName, method, annotation)));
        return bean;
    }

    /** The methods of the bean's class that carry {@code annotation}, on themselves, an interface or a superclass. */
    static <A extends Annotation> Map<Method, A> annotated(Object bean, Class<A> annotation) {
        return MethodIntrospector.selectMethods(AopUtils.getTargetClass(bean),
                (MethodIntrospector.MetadataLookup<A>) m -> AnnotatedElementUtils.findMergedAnnotation(m, annotation));
    }

    private Function<Elections, LeaderJob.Builder> job(Object bean, String beanName, Method method, LeaderScheduled a) {
        String where = "@LeaderScheduled method " + method.getDeclaringClass().getName() + "." + method.getName() + " (bean '" + beanName + "')";
        Set<String> declared = properties.getObject().elections().keySet();
        String election = environment.resolveRequiredPlaceholders(a.election());
        if (!declared.contains(election)) {
            throw new BeanInitializationException(where + ": " + Elections.undeclared(election, declared));
        }
        if (properties.getObject().elections().get(election).role() == ElectorProperties.Role.OBSERVER) {
            throw new BeanInitializationException(where + ": election '" + election + "' is declared as an observer, which never leads");
        }
        Class<?>[] parameters = method.getParameterTypes();
        boolean takesContext = parameters.length == 1 && parameters[0] == JobContext.class;
        if (parameters.length > 1 || parameters.length == 1 && !takesContext) {
            throw new BeanInitializationException(where + ": must take no parameter or one dev.elector.JobContext, not " + List.of(parameters));
        }
        if (Modifier.isStatic(method.getModifiers())) {
            throw new BeanInitializationException(where + ": must not be static");
        }
        Duration rate = duration(where, "fixedRate", a.fixedRate());
        Duration delay = duration(where, "fixedDelay", a.fixedDelay());
        if ((rate == null) == (delay == null)) {
            throw new BeanInitializationException(where + ": set exactly one of fixedRate and fixedDelay");
        }
        Duration minimum = duration(where, "minimumValidity", a.minimumValidity());
        String name = a.name().isEmpty() ? beanName + "." + method.getName() : environment.resolveRequiredPlaceholders(a.name());
        Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
        ReflectionUtils.makeAccessible(invocable);
        LeaderTask task = context -> {
            try {
                invocable.invoke(bean, takesContext ? new Object[] {context} : new Object[0]);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception x ? x : new IllegalStateException(where + " failed", e.getCause());
            }
        };
        return elections -> {
            LeaderJob.Builder b = LeaderJob.builder(elections.get(election), task).name(name);
            if (rate != null) {
                b.atFixedRate(rate);
            } else {
                b.withFixedDelay(delay);
            }
            if (minimum != null) {
                b.minimumValidity(minimum);
            }
            return b.listener(listeners.getIfAvailable(() -> job -> new JobListener() { }).forJob(name));
        };
    }

    private Duration duration(String where, String attribute, String value) {
        if (value.isEmpty()) {
            return null;
        }
        String resolved = environment.resolveRequiredPlaceholders(value);
        try {
            Duration d = Durations.parse(attribute, resolved);
            if (d.isNegative() || d.isZero() && !attribute.equals("minimumValidity")) {
                throw new IllegalArgumentException(attribute + " must be positive, got " + resolved);
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new BeanInitializationException(where + ": " + e.getMessage(), e);
        }
    }
}
