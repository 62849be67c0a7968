package dev.elector.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;
import java.util.Set;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;

/** Proxies beans with {@link LeaderOnly} methods, after checking once that each can be guarded. */
final class LeaderOnlyProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {
    private static final long serialVersionUID = 1L;

    private final transient ObjectProvider<ElectorProperties> properties;

    LeaderOnlyProcessor(ObjectProvider<ElectorProperties> properties, ObjectProvider<Elections> elections) {
        this.properties = properties;
        this.advisor = new DefaultPointcutAdvisor(new AnnotationMatchingPointcut(null, LeaderOnly.class, true), new Guard(elections));
        // Around whatever else proxies the bean (transactions, say), so a skipped call starts none of it.
        setBeforeExistingAdvisors(true);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        LeaderScheduledProcessor.annotated(bean, LeaderOnly.class).forEach((method, annotation) -> check(beanName, method, annotation));
        return super.postProcessAfterInitialization(bean, beanName);
    }

    private void check(String beanName, Method method, LeaderOnly a) {
        String where = "@LeaderOnly method " + method.getDeclaringClass().getName() + "." + method.getName() + " (bean '" + beanName + "')";
        Set<String> declared = properties.getObject().elections().keySet();
        if (!declared.contains(a.election())) {
            throw new BeanInitializationException(where + ": " + Elections.undeclared(a.election(), declared));
        }
        int modifiers = method.getModifiers();
        if (Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers) || Modifier.isPrivate(modifiers)) {
            // A proxy never sees such a call: the method would run unguarded.
            throw new BeanInitializationException(where + ": a static, final or private method cannot be guarded; the call would go unchecked");
        }
        Class<?> result = method.getReturnType();
        if (a.whenNotLeader() == LeaderOnly.WhenNotLeader.SKIP && result.isPrimitive() && result != void.class) {
            throw new BeanInitializationException(where + ": returns " + result + ", which a skipped call cannot return; use whenNotLeader = THROW or a reference type");
        }
    }

    private static final class Guard implements MethodInterceptor {
        private final ObjectProvider<Elections> elections;

        Guard(ObjectProvider<Elections> elections) {
            this.elections = elections;
        }

        @Override
        public Object invoke(MethodInvocation call) throws Throwable {
            Method method = call.getMethod();
            Object target = call.getThis();
            Method declared = target == null ? method : AopUtils.getMostSpecificMethod(method, AopUtils.getTargetClass(target));
            LeaderOnly a = AnnotatedElementUtils.findMergedAnnotation(declared, LeaderOnly.class);
            if (a == null || elections.getObject().get(a.election()).isLeader()) {
                return call.proceed();
            }
            if (a.whenNotLeader() == LeaderOnly.WhenNotLeader.THROW) {
                throw new NotLeaderException(method.getDeclaringClass().getSimpleName() + "." + method.getName() + " runs only on the leader of '"
                        + a.election() + "', and this instance does not lead it");
            }
            return method.getReturnType() == Optional.class ? Optional.empty() : null;
        }
    }
}
