import { useState } from 'react';
import { useClient } from '../api/context.tsx';
import { Icon } from './Icon.tsx';

/** An item's photo from the library (thumbnail unless asked otherwise), with a calm placeholder if it fails. */
export function Thumb({ sha256, alt, kind = 'thumb' }: { sha256: string; alt: string; kind?: 'thumb' | 'original' }) {
  const client = useClient();
  const [broken, setBroken] = useState(false);
  if (broken) {
    return (
      <div className="thumb thumb--broken" role="img" aria-label={`${alt} (photo unavailable)`}>
        <Icon name="image" width={28} height={28} />
      </div>
    );
  }
  return (
    <img
      className="thumb"
      src={client.mediaUrl(kind, sha256)}
      alt={alt}
      loading="lazy"
      decoding="async"
      draggable={false}
      onError={() => setBroken(true)}
    />
  );
}
