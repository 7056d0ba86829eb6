import type { ButtonHTMLAttributes, ReactElement } from 'react';
import { Icon, type IconName } from './icons.tsx';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'primary' | 'secondary' | 'ghost' | 'danger';
  size?: 'sm' | 'md';
  icon?: IconName;
}

export function Button({
  variant = 'secondary',
  size = 'md',
  icon,
  children,
  className,
  type = 'button',
  ...rest
}: ButtonProps): ReactElement {
  return (
    <button
      type={type}
      className={`btn btn-${variant} btn-${size}${children ? '' : ' btn-icon'}${className ? ` ${className}` : ''}`}
      // The label stays the button's name even where a narrow layout shows only the icon.
      aria-label={typeof children === 'string' ? children : undefined}
      {...rest}
    >
      {icon && <Icon name={icon} size={size === 'sm' ? 14 : 16} />}
      {/* A text label in its own span, so narrow layouts can hide it visually while it stays the button's name. */}
      {typeof children === 'string' && icon ? <span className="btn-label">{children}</span> : children}
    </button>
  );
}
