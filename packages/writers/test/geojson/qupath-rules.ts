// What QuPath's GeoJSON importer accepts, written from its source (qupath-core,
// qupath.lib.io.PathObjectTypeAdapters.PathObjectTypeAdapter.read and
// GsonTools.PathClassTypeAdapter.read, QuPath 0.4-0.6). Each check names the Java call that
// would throw; a file with one such feature fails to import as a whole.

/** Problems QuPath would hit reading `feature` (empty when it imports). */
export function qupathImportProblems(feature: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(feature)) return ['feature is not a JSON object (gson.fromJson)'];
  // id: obj.get("id").getAsString(), then UUID.fromString (an invalid UUID is only logged).
  if ('id' in feature) {
    const id = feature.id;
    if (typeof id !== 'string' && typeof id !== 'number') problems.push('id: getAsString on a non-primitive');
    else if (!UUID.test(String(id))) problems.push(`id ${String(id)} is not a UUID: QuPath makes a new id`);
  }
  if (!isObject(feature.geometry)) problems.push('geometry missing (ROITypeAdapters)');
  const p = feature.properties;
  if (p === undefined) return problems;
  if (!isObject(p)) return [...problems, 'properties: getAsJsonObject on a non-object'];
  // name: getAsString (JsonNull throws UnsupportedOperationException).
  if ('name' in p && !isPrimitive(p.name)) problems.push('properties.name: getAsString on null/object');
  // color: primitive -> getAsInt; array of exactly 3 ints -> packRGB; anything else ignored.
  if ('color' in p && isPrimitive(p.color) && !Number.isInteger(Number(p.color))) {
    problems.push('properties.color: getAsInt on a non-integer');
  }
  if ('classification' in p) problems.push(...pathClassProblems(p.classification));
  // isLocked / isMissing: isJsonPrimitive() then getAsBoolean.
  for (const key of ['isLocked', 'isMissing']) {
    if (key in p && isPrimitive(p[key]) && typeof p[key] !== 'boolean') {
      problems.push(`properties.${key}: getAsBoolean on ${JSON.stringify(p[key])}`);
    }
  }
  // objectType: getAsString; unknown values only warn (an annotation is created).
  if ('objectType' in p && !isPrimitive(p.objectType))
    problems.push('properties.objectType: getAsString on null/object');
  if ('objectType' in p && !OBJECT_TYPES.includes(String(p.objectType))) {
    problems.push(`properties.objectType ${String(p.objectType)} is unknown: imported as an annotation`);
  }
  return problems;
}

/**
 * PathClassTypeAdapter.read: null -> no class; a string -> PathClass.fromString; an object
 * that is empty or has colorRGB/parentClass -> the pre-0.4 reflective form; an object with
 * (name or names) AND color -> PathClassProxy, whose color int[] must have 0, 1, 3 or 4
 * entries (arrayToRgb throws otherwise); anything else -> JsonParseException.
 */
function pathClassProblems(c: unknown): string[] {
  if (c === null || typeof c === 'string') return [];
  if (!isObject(c)) return ['classification: JsonParseException (not null, a string or an object)'];
  const keys = Object.keys(c);
  if (keys.length === 0 || 'colorRGB' in c || 'parentClass' in c) return [];
  if (!(('name' in c || 'names' in c) && 'color' in c)) {
    return ['classification: JsonParseException "Unable to parse PathClass" (name/names without color)'];
  }
  const problems: string[] = [];
  if ('name' in c && typeof c.name !== 'string' && c.name !== null)
    problems.push('classification.name is not a string');
  const color = c.color;
  if (color !== null) {
    if (!Array.isArray(color)) problems.push('classification.color: gson cannot read int[] from it');
    else {
      if (![0, 1, 3, 4].includes(color.length))
        problems.push(`classification.color has ${color.length} entries`);
      if (!color.every((v) => Number.isInteger(v))) problems.push('classification.color: not ints');
    }
  }
  return problems;
}

const UUID = /^[0-9a-fA-F]{1,8}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,12}$/;
const OBJECT_TYPES = ['annotation', 'detection', 'cell', 'tile', 'tmaCore', 'root'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPrimitive(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
