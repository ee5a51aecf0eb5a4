// One NotifierFactory for every kind of destination: Slack through the factory the Slack side provides, and a
// fallback (the terminal) for a kind this process has no channel for.
import type { Destination, Notifier, NotifierFactory } from '../notifier.js';

export interface NotifierRoutes {
  slack?: NotifierFactory;
  /** For a destination whose kind has no route here. */
  fallback: NotifierFactory;
}

export function routeNotifiers(routes: NotifierRoutes): NotifierFactory {
  return (destination: Destination): Notifier => {
    switch (destination.kind) {
      case 'slack':
        return routes.slack ? routes.slack(destination) : routes.fallback(destination);
      case 'recorder':
        return routes.fallback(destination);
    }
  };
}

/** A short, human label of a destination for terminal lines and logs. */
export function describeDestination(destination: Destination): string {
  switch (destination.kind) {
    case 'slack':
      return `slack ${destination.channel}/${destination.threadTs}`;
    case 'recorder':
      return `recorder ${destination.id}`;
  }
}
