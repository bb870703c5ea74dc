#!/usr/bin/env node
process.stdout.write('cytorx: not built yet\n');
