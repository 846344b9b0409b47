/** What a lobe opens: the `cam_type` column accepts exactly these (a CHECK constraint enforces it). */
export const CAM_TYPES = ['intake', 'exhaust'] as const;

export type CamType = (typeof CAM_TYPES)[number];
