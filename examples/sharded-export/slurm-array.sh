#!/usr/bin/env bash
# Export one Cytomine project in N shards as a SLURM job array, then merge the COCO files.
#   sbatch --array=0-7 examples/sharded-export/slurm-array.sh 142 /scratch/dataset
# Each array task exports the images whose stable hash falls in its shard (cytorx export
# --shard I/N: SHA-256 of the image id, mod N), into its own directory, resumably: a task that
# is preempted or fails can simply be requeued (`--resume` continues where it stopped).
#SBATCH --job-name=cytorx-export
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=04:00:00
#SBATCH --requeue
#SBATCH --output=cytorx-export-%A_%a.log
set -euo pipefail

PROJECT=${1:?usage: sbatch --array=0-N-1 slurm-array.sh PROJECT_ID OUT_DIR}
OUT=${2:?usage: sbatch --array=0-N-1 slurm-array.sh PROJECT_ID OUT_DIR}
I=${SLURM_ARRAY_TASK_ID:?run this with sbatch --array}
N=${SLURM_ARRAY_TASK_COUNT:?run this with sbatch --array}

# Credentials: CYTOMINE_HOST, CYTOMINE_PUBLIC_KEY, CYTOMINE_PRIVATE_KEY from the job
# environment, or a chmod-600 ~/.config/cytorx/config.json. Never on the command line.
cytorx export --project "$PROJECT" --out "$OUT/shard-$I" \
  --format geojson,mask,coco --max-size 8192 \
  --shard "$I/$N" --resume --concurrency 4 --progress none

# After every task has finished (e.g. a dependent job: sbatch --dependency=afterok:JOBID):
#   cytorx coco-merge "$OUT"/shard-* --out "$OUT/coco/annotations.json"
#   (and copy the per-image folders: rsync -a "$OUT"/shard-*/{geojson,masks} "$OUT"/)
