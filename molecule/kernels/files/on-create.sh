#!/usr/bin/env bash
# An OnCreate script in the style of SageMaker's lifecycle-configuration examples: run as root, the
# environments' work as the notebook user, a variable for every notebook, Jupyter restarted.
set -e

sudo -u ec2-user -i <<'USER'
set -e
WHEELS="--no-index --find-links /var/cache/sagebox-pip/wheelhouse"

# A package into one environment.
source /home/ec2-user/anaconda3/bin/activate python3
pip install --quiet $WHEELS py4j
source /home/ec2-user/anaconda3/bin/deactivate

# A package into every kernel's environment.
for env in /home/ec2-user/anaconda3/envs/*/; do
    env_name=$(basename "$env")
    if [ "$env_name" = JupyterSystemEnv ]; then continue; fi
    source /home/ec2-user/anaconda3/bin/activate "$env_name"
    pip install --quiet $WHEELS cloudpickle
    conda_env_seen="$conda_env_seen $CONDA_DEFAULT_ENV"
    source /home/ec2-user/anaconda3/bin/deactivate
done
echo "installed into:$conda_env_seen"

# The user's own settings: git, and pip's index (the team's mirror; here the public index).
git config --global user.name "Data Scientist"
git config --global user.email "ds@example.com"
mkdir -p ~/.config/pip
printf '[global]\nindex-url = https://pypi.org/simple/\n' > ~/.config/pip/pip.conf

# A notebook executed at startup in a kernel's environment, its output kept.
source /home/ec2-user/anaconda3/bin/activate python3
mkdir -p ~/SageMaker/startup
python - <<'PY'
import nbformat
nb = nbformat.v4.new_notebook()
nb.cells.append(nbformat.v4.new_code_cell("import sys, cloudpickle\nprint('startup ran in', sys.prefix)"))
nbformat.write(nb, "/home/ec2-user/SageMaker/startup/startup.ipynb")
PY
jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=conda_python3 \
    --output startup-ran.ipynb ~/SageMaker/startup/startup.ipynb
source /home/ec2-user/anaconda3/bin/deactivate
USER

# A variable for every notebook, then Jupyter restarted so that it reaches them.
echo 'export TEAM_DATA_BUCKET=s3://team-data/project' > /etc/profile.d/team-data.sh
systemctl restart jupyter-server
