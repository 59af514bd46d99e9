# notebook: vision.ipynb
# cell: train_step
# loses: test_train_step, test_train_step_values, test_train_step_training, test_digits_training, test_digits_training_hidden
# why: computes the gradients but never calls optimizer.step(), so the model never changes
def train_step(model, loader, loss_fn, optimizer, device):
    model.train()
    total = 0.0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        loss = loss_fn(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        total += loss.item()
    return total / len(loader)
