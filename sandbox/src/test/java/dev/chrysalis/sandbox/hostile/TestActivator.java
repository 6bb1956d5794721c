package dev.chrysalis.sandbox.hostile;

import dev.chrysalis.spi.skill.Skill;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Registers the attack named by the bundle header {@code Chrysalis-Test-Attack} as the bundle's Skill
 * service; with {@code Chrysalis-Test-Attack-At-Start: true} it attacks right away, while starting.
 */
public final class TestActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) throws Exception {
        String name = context.getBundle().getHeaders().get("Chrysalis-Test-Attack");
        Attack attack = (Attack) context.getBundle().loadClass(name).getDeclaredConstructor().newInstance();
        if ("true".equals(context.getBundle().getHeaders().get("Chrysalis-Test-Attack-At-Start"))) {
            attack.attack(null);
        }
        context.registerService(Skill.class, attack, null);
    }

    @Override
    public void stop(BundleContext context) {
    }
}
